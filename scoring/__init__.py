"""Pure evaluation: questionnaire scoring (`scoring.engine`), the roster and supplier checks, and what they return
(`scoring.result`). Import from the module that holds a name; this package re-exports nothing, so a command that
does not score (the supplier check) never imports the engine or pydantic (tests/test_engine.py checks it)."""
