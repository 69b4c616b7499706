"""Request bodies larger than allowed are refused with 413, before they are read whole.

Both the declared Content-Length and the bytes actually received are checked, so a chunked
upload cannot get around the limit."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.http.problems import FieldProblem, ProblemError, problem_response


class PayloadTooLarge(ProblemError):
    status, slug, title = 413, "payload-too-large", "The request body is too large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the body may have at most {limit} bytes here",
            errors=[FieldProblem(field="body", message=f"more than {limit} bytes")],
        )


class BodyLimit:
    def __init__(self, app: ASGIApp, default: int, per_path: Mapping[str, int]) -> None:
        self._app = app
        self._default = default
        self._per_path = dict(per_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        limit = self._per_path.get(scope["path"], self._default)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(scope, send, limit)
            return
        received = 0
        exceeded = False

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise PayloadTooLarge(limit)
            return message

        refused = False

        async def answer(message: Message) -> None:
            # The framework turns a failed body read into its own error; ours wins.
            nonlocal refused
            if not exceeded:
                await send(message)
            elif not refused:
                refused = True
                await _refuse(scope, send, limit)

        await self._app(scope, counted, answer)


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    error = PayloadTooLarge(limit)
    response = problem_response(error.problem(scope["path"]))
    await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
