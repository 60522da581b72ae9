"""公示公告: the public disclosure pages (no sign-in) and the printable notices."""
