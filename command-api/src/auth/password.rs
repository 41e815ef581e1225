//! Password hashing with argon2id on a small fixed pool of threads, each reusing one
//! preallocated working memory, so memory stays bounded however many log-ins arrive.
//!
//! Each argon2 hash needs 19 MiB of working memory. Hashing on tokio's blocking pool let
//! hundreds of threads allocate that at once, and glibc kept every thread's arena: about
//! 19 MB per concurrent registration, never returned. Here at most `workers` hashes run at
//! a time, each on a buffer allocated once per worker thread; callers wait in a bounded
//! queue.

use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{mpsc, oneshot};

/// Requests waiting for a hashing thread; more callers wait for room (backpressure).
const QUEUE: usize = 256;

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let (reply, answer) = oneshot::channel();
    pool().submit(Job::Hash { password, reply }).await?;
    answer
        .await
        .map_err(|_| anyhow::anyhow!("the hashing thread stopped"))?
}

/// Checks a password against a PHC string; false for any mismatch or malformed hash.
pub async fn verify(password: String, phc: String) -> bool {
    let (reply, answer) = oneshot::channel();
    if pool()
        .submit(Job::Verify {
            password,
            phc,
            reply,
        })
        .await
        .is_err()
    {
        return false;
    }
    answer.await.unwrap_or(false)
}

enum Job {
    Hash {
        password: String,
        reply: oneshot::Sender<anyhow::Result<String>>,
    },
    Verify {
        password: String,
        phc: String,
        reply: oneshot::Sender<bool>,
    },
}

/// The process's hashing threads. One per process, like a global thread pool: every
/// caller shares the same bounded amount of memory.
struct Pool {
    jobs: mpsc::Sender<Job>,
}

impl Pool {
    async fn submit(&self, job: Job) -> anyhow::Result<()> {
        self.jobs
            .send(job)
            .await
            .map_err(|_| anyhow::anyhow!("the hashing pool stopped"))
    }
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..workers {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&queue))
                .expect("starting a password hashing thread");
        }
        Pool { jobs }
    })
}

/// One hashing thread: takes jobs until every sender is gone, on one reused buffer.
fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = vec![Block::default(); Params::DEFAULT.block_count()];
    loop {
        // The lock is held only while waiting for the next job, never while hashing.
        let job = match queue.lock() {
            Ok(mut queue) => queue.blocking_recv(),
            Err(_) => return,
        };
        match job {
            Some(Job::Hash { password, reply }) => {
                let _ = reply.send(hash_with(&mut memory, password.as_bytes()));
            }
            Some(Job::Verify {
                password,
                phc,
                reply,
            }) => {
                let _ = reply.send(verify_with(&mut memory, password.as_bytes(), &phc));
            }
            None => return,
        }
    }
}

fn hash_with(memory: &mut [Block], password: &[u8]) -> anyhow::Result<String> {
    let params = Params::DEFAULT;
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, salt_bytes, &mut out, memory)
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?),
    };
    Ok(phc.to_string())
}

fn verify_with(memory: &mut [Block], password: &[u8], phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(expected), Some(salt)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.hash,
        parsed.salt,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    let hashed = if params.block_count() <= memory.len() {
        argon.hash_password_into_with_memory(password, salt_bytes, &mut out, &mut *memory)
    } else {
        // Only a hash stored under costlier parameters than today's lands here.
        argon.hash_password_into(password, salt_bytes, &mut out)
    };
    // `Output`'s equality is constant-time.
    hashed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_another_does_not() {
        let phc = hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse".into(), phc.clone()).await);
        assert!(!verify("correct horsE".into(), phc).await);
    }

    #[tokio::test]
    async fn hashes_stored_by_the_argon2_crate_still_verify_and_ours_verify_there() {
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::default()
            .hash_password(b"battery staple", &salt)
            .unwrap()
            .to_string();
        assert!(verify("battery staple".into(), stored.clone()).await);
        assert!(!verify("battery stapler".into(), stored).await);

        let ours = hash("battery staple".into()).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"battery staple", &parsed)
            .is_ok());
    }

    #[tokio::test]
    async fn malformed_hashes_never_verify() {
        for phc in ["", "plain", "$argon2id$v=19$m=8,t=1,p=1$", "$md5$x$y"] {
            assert!(!verify("x".into(), phc.into()).await, "{phc:?}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_concurrent_hashes_all_complete_through_the_small_pool() {
        let tasks: Vec<_> = (0..24)
            .map(|i| tokio::spawn(hash(format!("pw-{i}"))))
            .collect();
        let mut distinct = std::collections::HashSet::new();
        for task in tasks {
            distinct.insert(task.await.unwrap().unwrap());
        }
        assert_eq!(distinct.len(), 24);
    }
}
