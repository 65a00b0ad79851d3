"""The second reading process: pdfium pages read in a child interpreter, sent back by pickle.

A plain child interpreter rather than multiprocessing: nothing of the caller's process
(threads, pdfium state, an unguarded __main__) is inherited or re-run.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import extractor
from extractor.readers.pdf.geometry import Line, PageData, Rules, Word
from extractor.readers.pdf.integrity import damaged

_COMMAND = "from extractor.readers.pdf.worker import pdfium_worker; pdfium_worker()"


class Worker:
    """A child process reading a PDF's pages from the moment it is made; its failures become
    ours, named the same way. Killed on close, whether or not its pages were all read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        root = str(Path(extractor.__file__).resolve().parents[1])  # where extractor lives
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        )
        try:
            self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-c", _COMMAND, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            self.process = None

    def pages(
        self, count: int, here: Callable[[], Generator[PageData, None, None]]
    ) -> Generator[PageData, None, None]:
        """The pages in order; read `here` when the child could not start or run."""
        if self.process is None or self.process.stdout is None:
            yield from here()
            return
        channel = self.process.stdout
        try:
            ready = pickle.load(channel)
        except EOFError:
            ready = None
        if ready != ("ready",):
            yield from here()
            return
        for _ in range(count):
            try:
                message = pickle.load(channel)
            except EOFError:
                stopped = f"its reader stopped, exit code {self.process.wait()}"
                raise damaged(self.path, stopped) from None
            if message[0] != "page":
                raise damaged(self.path, message[1])
            lines, rules, images, size = message[1]
            yield PageData(
                [Line([Word(*word) for word in line]) for line in lines],
                Rules(*rules),
                images,
                size,
            )

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()


def pdfium_worker() -> None:
    """The child (argv: PDF path): every page's lines and rules to stdout, one pickle per
    page, as plain tuples (fast to pickle)."""
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing printed by a library can get into the channel
    path = Path(sys.argv[1])

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, channel, protocol=pickle.HIGHEST_PROTOCOL)
        channel.flush()

    try:
        import pypdfium2

        from extractor.readers.pdf.pdfium import read_page

        send(("ready",))
        document = pypdfium2.PdfDocument(str(path))
        for index in range(len(document)):
            lines, rules, images, size = read_page(document, index)
            plain = [
                [(w.text, w.x0, w.x1, w.top, w.bottom, w.size, w.marks, w.suffix, w.lead_mark)
                 for w in line.words]
                for line in lines
            ]  # fmt: skip
            send(("page", (plain, (rules.horizontal, rules.vertical), images, size)))
    except Exception as error:
        send(("error", type(error).__name__))
    finally:
        channel.close()
