"""PDF outputs (reportlab): the certificate and the remediation plan. Builders are pure functions returning bytes:
no clock, no database, byte-identical output for identical input."""
