"""CLI commands; each module registers its own (see accreditation.cli)."""
