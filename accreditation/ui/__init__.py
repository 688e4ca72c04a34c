"""The Streamlit pages. Pages read widgets, call the library and render; they never compute a score."""
