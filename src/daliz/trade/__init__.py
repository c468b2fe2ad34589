"""Trade monitor: import trade statistics into DuckDB and measure turnover, composition,
concentration, mirror gaps and progress to a target (see docs/trade.md)."""
