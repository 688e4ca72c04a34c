"""A browserless Streamlit client: what the frontend of Streamlit 1.67 does on the wire, for load tests.

One `Session` is one browser tab: it fetches the health check (which sets Streamlit's XSRF cookie), opens the
websocket `/_stcore/stream` with that token in the subprotocol header and every cookie of the site (the app's
HttpOnly session cookie too), and speaks protobuf: BackMsg `rerun_script` with the page's widget states,
ForwardMsg deltas until `script_finished`. Widget ids are read from the deltas, as the frontend does. A file goes
up as the frontend sends it: BackMsg `file_urls_request`, ForwardMsg `file_urls_response`, an HTTP PUT of a
multipart body to the upload URL with the XSRF header, then the file uploader's state in the next rerun.

HTTP (the few requests a page makes besides the websocket) goes through `requests` in a worker thread; the
websocket through `websockets` on asyncio, so one process holds a hundred sessions.

Only loopback addresses are accepted: this is a load generator, and it must never be pointed at someone else."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import requests
from google.protobuf.message import DecodeError
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

XSRF_COOKIE = "_streamlit_xsrf"
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
# widget element types and the WidgetState field each sends (the ones our pages use)
WIDGETS = ("button", "checkbox", "radio", "selectbox", "multiselect", "number_input", "text_input", "text_area",
           "date_input", "file_uploader", "download_button", "menu_button", "button_group")


def require_loopback(url: str) -> None:
    """Refuse any address that is not this machine: a loopback IP (127.0.0.0/8, ::1) or the name localhost.
    Other names are refused without a lookup (resolving one would already reach out of the machine)."""
    host = urlsplit(url).hostname
    if not host:
        raise ValueError(f"no host in {url!r}")
    if host != "localhost":
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(f"{url} is not a loopback address: the load test drives this machine only")


class StepFailed(Exception):
    """A step ended without what the user should see (an error shown, a missing element, a timeout)."""


@dataclass
class Element:
    kind: str  # the Element oneof: "radio", "heading", "alert", …
    proto: Any  # that field's message

    @property
    def id(self) -> str:
        return getattr(self.proto, "id", "")

    @property
    def key(self) -> str | None:
        """The user key a keyed widget's id ends with (`$$ID-<hash>-<key>`)."""
        m = re.match(r"^\$\$ID-[0-9a-f]+-(.*)$", self.id)
        return m.group(1) if m else None

    @property
    def text(self) -> str:
        p = self.proto
        return " ".join(str(getattr(p, name)) for name in ("body", "label") if hasattr(p, name))


@dataclass
class Run:
    """One script run as the user sees it once it finished: its elements in order, and how long it took."""

    elements: list[Element] = field(default_factory=list)
    page_hash: str = ""
    seconds: float = 0.0

    def find(self, kind: str | None = None, key: str | Callable[[str], bool] | None = None,
             text: str | None = None) -> list[Element]:
        out = []
        for e in self.elements:
            if kind and e.kind != kind:
                continue
            if key is not None:
                k = e.key
                if k is None or (k != key if isinstance(key, str) else not key(k)):
                    continue
            if text is not None and text not in e.text:
                continue
            out.append(e)
        return out

    def one(self, kind: str | None = None, key: str | Callable[[str], bool] | None = None,
            text: str | None = None) -> Element:
        found = self.find(kind, key, text)
        if not found:
            raise StepFailed(f"no {kind or 'element'} (key {key!r}, text {text!r}) on the page; "
                             f"errors: {self.errors() or 'none'}")
        return found[0]

    def errors(self) -> list[str]:
        """What the page shows as an error: st.error alerts and exceptions."""
        out = [e.proto.body for e in self.elements if e.kind == "alert" and e.proto.format == 1]  # 1 = ERROR
        out += [f"{e.proto.type}: {e.proto.message}" for e in self.elements if e.kind == "exception"]
        return out


class Session:
    """One browser tab on `base` (a loopback URL). Use `async with Session(base) as s:`."""

    def __init__(self, base: str, timeout: float = 120.0, http: requests.Session | None = None):
        require_loopback(base)
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.http = http or requests.Session()
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash, from the last navigation message
        self.page_hash = ""
        self.widgets: dict[str, WidgetState] = {}  # values this tab holds, by widget id (as the frontend does)
        self.last: Run | None = None
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._run = Run()
        self._finished: asyncio.Queue = asyncio.Queue()
        self._file_urls: dict[str, asyncio.Future] = {}

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------------------------------------- HTTP

    async def get(self, path: str, **kw: Any) -> requests.Response:
        url = urljoin(self.base + "/", path.lstrip("/"))
        require_loopback(url)
        try:
            response = await asyncio.to_thread(self.http.get, url, timeout=self.timeout, **kw)
        except requests.ConnectionError:
            # a kept-alive connection the server closed as it was reused: browsers retry a GET once, so do we
            response = await asyncio.to_thread(self.http.get, url, timeout=self.timeout, **kw)
        response.raise_for_status()
        return response

    def _cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)

    # -------------------------------------------------------------------------------------------- websocket

    async def open(self, page: str = "") -> Run:
        """Load the app as a browser tab does: the health check (Streamlit's XSRF cookie), the host config, the
        websocket, the first script run (of `page`, a URL path, or the default page)."""
        await self.get("/_stcore/health")
        await self.get("/_stcore/host-config")
        xsrf = self.http.cookies.get(XSRF_COOKIE)
        ws_url = "ws" + self.base[len("http"):] + "/_stcore/stream"
        self._ws = await connect(ws_url, subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
                                 origin=self.base, additional_headers={"Cookie": self._cookie_header()},
                                 max_size=None, open_timeout=self.timeout, ping_interval=None,
                                 compression=None)
        self._reader = asyncio.create_task(self._read())
        state = ClientState(query_string="", page_name=page)
        return await self._rerun(state)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):  # _read catches everything else itself
                await self._reader
            self._reader = None

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except (ConnectionClosed, OSError, DecodeError) as exc:  # ends every wait at once, with the reason
            self._finished.put_nowait(exc)
        else:
            self._finished.put_nowait(StepFailed("the server closed the websocket"))

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._run = Run(page_hash=msg.new_session.page_script_hash)
            if msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self._run.page_hash = msg.navigation.page_script_hash or self._run.page_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which:
                self._run.elements.append(Element(which, getattr(element, which)))
        elif kind == "file_urls_response":
            future = self._file_urls.pop(msg.file_urls_response.response_id, None)
            if future is not None and not future.done():
                future.set_result(msg.file_urls_response)
        elif kind == "script_finished":
            if msg.script_finished == FINISHED:  # not FINISHED_EARLY_FOR_RERUN: st.rerun() starts another run
                self._finished.put_nowait(self._run)
            elif msg.script_finished == ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR"):
                self._finished.put_nowait(StepFailed("the page script did not compile"))

    async def _send(self, back: BackMsg) -> None:
        if self._ws is None:
            raise StepFailed("not connected")
        await self._ws.send(back.SerializeToString())

    async def _rerun(self, state: ClientState, triggers: Iterable[WidgetState] = ()) -> Run:
        """Send a rerun with this tab's widget values (plus one-shot triggers) and wait for the run to finish."""
        state.widget_states.widgets.extend([*self.widgets.values(), *triggers])
        state.page_script_hash = state.page_script_hash or self.page_hash
        while not self._finished.empty():  # nothing is pending between steps; drop any stray notice
            self._finished.get_nowait()
        start = time.perf_counter()
        await self._send(BackMsg(rerun_script=state))
        try:
            done = await asyncio.wait_for(self._finished.get(), self.timeout)
        except TimeoutError as exc:
            raise StepFailed(f"no finished run within {self.timeout:g} s") from exc
        if isinstance(done, Exception):
            raise StepFailed(str(done)) from done
        done.seconds = time.perf_counter() - start
        self.page_hash = done.page_hash or self.page_hash
        seen = {e.id for e in done.elements if e.id}
        # the frontend forgets the values of widgets that left the page
        self.widgets = {wid: w for wid, w in self.widgets.items() if wid in seen}
        self.last = done
        return done

    # --------------------------------------------------------------------------------------------- actions

    async def goto(self, url_path: str) -> Run:
        """Open another page of the app (a menu click: same websocket, another page script)."""
        page_hash = self.pages.get(url_path)
        if page_hash is None:
            raise StepFailed(f"page {url_path!r} is not in this user's menu ({', '.join(self.pages)})")
        self.widgets = {}
        return await self._rerun(ClientState(query_string="", page_script_hash=page_hash, page_name=url_path))

    async def set_value(self, element: Element, **value: Any) -> Run:
        """Change a widget (e.g. `string_value="…"`, `bool_value=True`) and rerun, as the frontend does on change."""
        state = WidgetState(id=element.id, **value)
        self.widgets[element.id] = state
        return await self._rerun(ClientState(query_string=""))

    def hold(self, element: Element, **value: Any) -> None:
        """Set a widget's value without a rerun (a form's fields: sent with the form's submit button)."""
        self.widgets[element.id] = WidgetState(id=element.id, **value)

    async def click(self, element: Element) -> Run:
        return await self._rerun(ClientState(query_string=""), [WidgetState(id=element.id, trigger_value=True)])

    async def upload(self, element: Element, name: str, data: bytes, mime: str = "text/csv") -> Run:
        """Put a file into a file uploader: ask for an upload URL over the websocket, PUT the file, rerun."""
        request_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self._file_urls[request_id] = future
        back = BackMsg()
        back.file_urls_request.request_id = request_id
        back.file_urls_request.session_id = self.session_id
        back.file_urls_request.file_names.append(name)
        await self._send(back)
        response = await asyncio.wait_for(future, self.timeout)
        if response.error_msg or not response.file_urls:
            raise StepFailed(f"no upload URL: {response.error_msg}")
        urls: FileURLs = response.file_urls[0]
        target = urljoin(self.base + "/", urls.upload_url.lstrip("/"))
        require_loopback(target)
        xsrf = self.http.cookies.get(XSRF_COOKIE) or ""
        put = await asyncio.to_thread(self.http.put, target, files={"file": (name, data, mime)},
                                      headers={"X-Xsrftoken": xsrf, "Origin": self.base}, timeout=self.timeout)
        if put.status_code not in (200, 204):
            raise StepFailed(f"upload refused: HTTP {put.status_code} {put.text[:200]}")
        state = WidgetState(id=element.id)
        state.file_uploader_state_value.uploaded_file_info.append(
            UploadedFileInfo(file_id=urls.file_id, name=name, size=len(data), file_urls=urls))
        self.widgets[element.id] = state
        return await self._rerun(ClientState(query_string=""))
