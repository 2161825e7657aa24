"""A minimal Chrome DevTools Protocol client for the HTML tests: headless Chromium started
with `--remote-debugging-pipe`, which reads JSON commands on file descriptor 3 and writes
replies and events on 4, each message ended by a NUL byte. No WebSocket, no port, nothing
installed beyond the OS's chromium.

`open_page(url)` loads a page and returns what the tests assert on: every console message
and page error (Runtime.consoleAPICalled, Runtime.exceptionThrown, Log.entryAdded), values
evaluated in the page, and a PNG screenshot (Page.captureScreenshot).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field

CONSOLE_EVENTS = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Page:
    """What a loaded page showed: its console, evaluated expressions, a screenshot."""

    console: list[dict] = field(default_factory=list)  # the events of CONSOLE_EVENTS
    values: dict[str, object] = field(default_factory=dict)  # expression → its value
    screenshot: bytes = b""

    def problems(self) -> list[str]:
        """Every error or warning the page caused, one line each."""
        out = []
        for event in self.console:
            params = event["params"]
            if event["method"] == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                thrown = details.get("exception", {}).get("description", "")
                out.append(f"exception: {details.get('text')} {thrown}".strip())
            elif event["method"] == "Runtime.consoleAPICalled":
                if params["type"] in ("error", "warning", "assert"):
                    text = " ".join(str(a.get("value", a.get("description")))
                                    for a in params["args"])
                    out.append(f"console.{params['type']}: {text}")
            elif params["entry"]["level"] in ("error", "warning"):
                entry = params["entry"]
                out.append(f"{entry['source']} {entry['level']}: {entry['text']} "
                           f"({entry.get('url', '')})")
        return out


class _Pipe:
    def __init__(self, binary: str, width: int, height: int) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends at 3 and 4, inheritable
            read, write = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe", f"--window-size={width},{height}", "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        """A command and its reply (events that arrive meanwhile are kept)."""
        self._next += 1
        message: dict = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m, n=self._next: m.get("id") == n, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def wait(self, wanted, timeout: float = 60) -> dict:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from Chromium")
            ready, _, _ = select.select([self._from_chrome], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


def open_page(url: str, expressions: tuple[str, ...] = (), width: int = 412,
              height: int = 900) -> Page:
    """Load `url` in headless Chromium, evaluate `expressions` once it has loaded, take a
    screenshot, and return the page's console with them."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("no chromium")
    pipe = _Pipe(binary, width, height)
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target,
                                                      "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            pipe.send(f"{domain}.enable", session=session)
        # a phone's viewport: the page must read at this width
        pipe.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
            session)
        pipe.send("Page.navigate", {"url": url}, session)
        pipe.wait(lambda m: m.get("method") == "Page.loadEventFired")
        page = Page()
        for expression in expressions:
            result = pipe.send("Runtime.evaluate", {"expression": expression,
                                                    "returnByValue": True}, session)
            page.values[expression] = result["result"].get("value")
        shot = pipe.send("Page.captureScreenshot", {"format": "png"}, session)
        page.screenshot = base64.b64decode(shot["data"])
        page.console = [e for e in pipe.events if e["method"] in CONSOLE_EVENTS]
        return page
    finally:
        pipe.close()
