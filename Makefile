# The two commands of the README. Everything else lives in scripts/.
.PHONY: run test bench

# Build and serve the API on the embedded default (SQLite file under data/).
run:
	cargo run --release --bin boxoffice -- serve

# Lint and run every test; starts the services the tests need if they are missing.
test:
	bash scripts/test.sh

# Print the benchmark figures (needs PostgreSQL for the PostgreSQL half; see bench/README.md).
bench:
	bash scripts/bench.sh
