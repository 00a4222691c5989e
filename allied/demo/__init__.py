"""The demo organisation: every demo loader, its data tables and the `demo` and `demo_totp`
management commands, kept in one app above all the others so that no lower app imports the
demo of a higher one."""
