"""A few real arXiv digest days (CC0 metadata) so the reader shows real papers out of the box."""
