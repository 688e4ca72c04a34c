"""The app's entry point: `streamlit run streamlit_app.py`. The router lives in accreditation/ui/app.py.

Streamlit runs this file as the script of every page view (`__main__`); `streamlit run` also imports it to find
the server (st.App, Streamlit's Starlette server), which adds the session-cookie routes and security headers of
accreditation/ui/web.py."""

import streamlit as st

if __name__ == "__main__":
    from accreditation.ui.app import run

    run()
else:
    from accreditation.ui.web import middleware, routes

    app = st.App(__file__, routes=routes(), middleware=middleware())
