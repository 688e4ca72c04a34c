"""The application around the award: imports, storage, workflow, reports, CLI and pages."""
