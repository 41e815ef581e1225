# The two commands of the README. Everything else lives in scripts/.
.PHONY: run test bench

# Build the web app and serve it with the API and demo data at http://127.0.0.1:8080
# (SQLite file under data/).
run:
	bash scripts/web.sh run

# Lint and run every test; starts the services the tests need if they are missing.
test:
	bash scripts/test.sh

# Print the benchmark figures on SQLite and a throwaway PostgreSQL (see README).
bench:
	bash scripts/bench.sh

# A whole deployment on 127.0.0.1 (PostgreSQL, broker, SMTP sink, CLUSTER_API API
# processes, projector workers, relay, notifiers, HAProxy, Prometheus); see
# scripts/cluster.sh for the settings. `make cluster-down` stops it.
.PHONY: cluster cluster-down
cluster:
	bash scripts/cluster.sh up

cluster-down:
	bash scripts/cluster.sh down

# Fault drills on such a deployment: kill -9 an API process mid-sale, a catalog worker, a
# notifier; restart PostgreSQL (scripts/cluster-drills.sh, ~3 min). `make test` ends with it.
.PHONY: test-cluster
test-cluster:
	bash scripts/cluster-drills.sh
