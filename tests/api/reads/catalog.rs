//! Catalog search: words, filters, both sorts, and keyset paging.

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{fields, ids, search, spec};
use crate::support::TestApp;

api_test!(
    search_matches_words_city_category_dates_prices_and_free_seats,
    search_sorts_by_popularity_and_refuses_bad_parameters_by_name,
    search_finds_word_prefixes_best_match_first_and_pages_in_that_order,
    paging_never_repeats_or_skips_a_listing_while_others_are_published,
);

async fn search_matches_words_city_category_dates_prices_and_free_seats(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (jazz, _) = app
        .listing(
            &organizer,
            spec(&app, 30, "Jazz night", "Lyon", "Concert", 2500, 10),
            true,
        )
        .await;
    let (rock, _) = app
        .listing(
            &organizer,
            spec(&app, 10, "Rock fest", "Paris", "Festival", 5000, 10),
            true,
        )
        .await;
    let (brunch, brunch_seat) = app
        .listing(
            &organizer,
            spec(&app, 20, "Jazz brunch 100% vegan", "Paris", "Food", 0, 1),
            true,
        )
        .await;
    app.listing(
        &organizer,
        spec(&app, 25, "Jazz secret", "Lyon", "Concert", 0, 5),
        false,
    )
    .await;
    app.book(&buyer, &brunch, &brunch_seat, 1, false).await;
    let (jazz, rock, brunch) = (jazz.as_str(), rock.as_str(), brunch.as_str());

    assert_eq!(
        search(&app, "").await,
        [rock, brunch, jazz],
        "drafts are not listed"
    );
    assert_eq!(search(&app, "q=JAZZ").await, [brunch, jazz]);
    assert_eq!(search(&app, "q=jazz%20lyon").await, [jazz]);
    assert_eq!(search(&app, "q=100%25").await, [brunch]);
    assert_eq!(
        search(&app, "q=1_0").await,
        Vec::<String>::new(),
        "_ is no wildcard"
    );
    assert_eq!(
        search(&app, "q=%25").await,
        Vec::<String>::new(),
        "% is no wildcard: a query without words matches nothing"
    );
    assert_eq!(search(&app, "city=PARIS").await, [rock, brunch]);
    assert_eq!(search(&app, "category=festival").await, [rock]);
    let day = |n: i64| {
        (app.clock.now() + TimeDelta::days(n))
            .to_rfc3339()
            .replace('+', "%2B")
    };
    assert_eq!(
        search(&app, &format!("starts_after={}", day(15))).await,
        [brunch, jazz]
    );
    assert_eq!(
        search(&app, &format!("starts_before={}", day(25))).await,
        [rock, brunch]
    );
    assert_eq!(search(&app, "min_price=3000").await, [rock]);
    assert_eq!(search(&app, "max_price=2500").await, [brunch, jazz]);
    assert_eq!(search(&app, "has_seats=false").await, [brunch]);
    assert_eq!(search(&app, "has_seats=true&city=paris").await, [rock]);

    let (_, page) = app.get("/api/v1/listings?q=rock", None).await;
    let item = &page["items"][0];
    assert_eq!(item["title"], "Rock fest");
    assert_eq!(item["venue"], "Hall");
    assert_eq!(item["city"], "Paris");
    assert_eq!(
        item["min_price"],
        json!({"amount_minor": 5000, "currency": "EUR"})
    );
    assert_eq!(item["seats_free"], 10);
    assert_eq!(item["status"], "published");
    assert_eq!(page["next_cursor"], Value::Null);
    // A result names the zone its times are shown in, as the listing's detail does.
    let (_, detail) = app
        .get(
            &format!("/api/v1/listings/{}", item["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert!(
        !detail["time_zone"].as_str().unwrap_or("").is_empty(),
        "{detail}"
    );
    assert_eq!(item["time_zone"], detail["time_zone"]);
}

async fn search_finds_word_prefixes_best_match_first_and_pages_in_that_order(app: TestApp) {
    let organizer = app.user("organizer").await;
    let with_description = |mut spec: Value, description: &str| {
        spec["description"] = json!(description);
        spec
    };
    let mut make = Vec::new();
    for (days, title, city, category, description) in [
        (30, "Summer jazz festival", "Lyon", "Concert", ""),
        (10, "Brass band", "Lyon", "Jazz", ""),
        (20, "Jazz & blues night", "Paris", "Concert", ""),
        (
            5,
            "Organ recital",
            "Paris",
            "Classical",
            "Bach, then free-jazz improvisations.",
        ),
        (15, "Pizzazz", "Paris", "Comedy", ""),
    ] {
        let spec = with_description(spec(&app, days, title, city, category, 0, 5), description);
        make.push(app.listing(&organizer, spec, true).await.0);
    }
    let [summer, brass, blues, organ, pizzazz] = [0, 1, 2, 3, 4].map(|i| make[i].as_str());

    // A word in the title counts most, then one in the city or category, then anywhere
    // (the description splits "free-jazz" into words); ties come soonest first.
    assert_eq!(
        search(&app, "q=jazz").await,
        [blues, summer, brass, organ],
        "best match first; \"Pizzazz\" holds \"azz\" but no word starting with jazz"
    );
    assert_eq!(
        search(&app, "q=JAZ").await,
        [blues, summer, brass, organ],
        "a word matches as a prefix, in any case"
    );
    assert_eq!(search(&app, "q=jazz%20lyon").await, [summer, brass]);
    assert_eq!(search(&app, "q=azz").await, Vec::<String>::new());
    assert_eq!(search(&app, "q=pizza").await, [pizzazz]);
    assert_eq!(search(&app, "q=improvisation%20bach").await, [organ]);
    assert_eq!(
        search(&app, "q=jazz&sort=starts_at").await,
        [organ, brass, blues, summer],
        "another order can be asked for"
    );

    // Paging one at a time visits the matches in the same order, each once.
    let mut seen = Vec::new();
    let mut next = String::from("/api/v1/listings?q=jazz&limit=1");
    loop {
        let (status, page) = app.read(&next, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => next = format!("/api/v1/listings?q=jazz&limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, [blues, summer, brass, organ]);

    let too_many = vec!["a"; 13].join("%20");
    let (status, problem) = app
        .read(&format!("/api/v1/listings?q={too_many}"), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["q"]);
}

async fn search_sorts_by_popularity_and_refuses_bad_parameters_by_name(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let mut listings = Vec::new();
    for (days, sold) in [(5, 1), (6, 3), (7, 0), (8, 2)] {
        let (listing, seat) = app
            .listing(
                &organizer,
                spec(&app, days, "Show", "Lyon", "Theatre", 0, 10),
                true,
            )
            .await;
        if sold > 0 {
            app.book(&buyer, &listing, &seat, sold, false).await;
        }
        listings.push(listing);
    }
    let expected = [
        listings[1].as_str(),
        listings[3].as_str(),
        listings[0].as_str(),
        listings[2].as_str(),
    ];
    assert_eq!(search(&app, "sort=popularity").await, expected);
    let (_, first) = app
        .get("/api/v1/listings?sort=popularity&limit=3", None)
        .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = search(&app, &format!("sort=popularity&limit=3&cursor={cursor}")).await;
    assert_eq!(rest, [listings[2].as_str()]);

    let (status, problem) = app
        .get(
            &format!("/api/v1/listings?sort=starts_at&cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a cursor of another order: {problem}"
    );
    assert_eq!(fields(&problem), ["cursor"]);
    let (status, problem) = app
        .get(
            "/api/v1/listings?limit=0&starts_after=tomorrow&sort=price&cursor=nonsense&has_seats=maybe&min_price=-1",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let mut named = fields(&problem);
    named.sort();
    assert_eq!(
        named,
        [
            "cursor",
            "has_seats",
            "limit",
            "min_price",
            "sort",
            "starts_after"
        ]
    );
}

async fn paging_never_repeats_or_skips_a_listing_while_others_are_published(app: TestApp) {
    let organizer = app.user("organizer").await;
    let mut originals = Vec::new();
    for days in 10..17 {
        let (listing, _) = app
            .listing(
                &organizer,
                spec(&app, days, "Gig", "Nantes", "Concert", 100, 5),
                true,
            )
            .await;
        originals.push(listing);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/listings?limit=3&cursor={c}"),
            None => "/api/v1/listings?limit=3".to_owned(),
        };
        let (status, page) = app.read(&path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(ids(&page));
        pages += 1;
        if pages == 1 {
            // One sorts before the cursor, one after: only the later one can appear.
            app.listing(
                &organizer,
                spec(&app, 5, "Early", "Nantes", "Concert", 100, 5),
                true,
            )
            .await;
            let (late, _) = app
                .listing(
                    &organizer,
                    spec(&app, 40, "Late", "Nantes", "Concert", 100, 5),
                    true,
                )
                .await;
            originals.push(late);
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(seen, originals, "every listing once, in order");
    assert_eq!(pages, 3);
}
