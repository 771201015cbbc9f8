"""Analysis layer: metrics, statistics and queueing theory, read from records."""
