# The two commands of the README. Everything else lives in scripts/.
.PHONY: run test bench

# Build and serve the API on the embedded default (SQLite file under data/).
run:
	cargo run --release --bin boxoffice -- serve --demo

# Lint and run every test; starts the services the tests need if they are missing.
test:
	bash scripts/test.sh

# Print the benchmark figures on SQLite and a throwaway PostgreSQL (see README).
bench:
	bash scripts/bench.sh
