"""`allied serve`, `allied demo`, `allied createadmin`: commands that need Django."""

from __future__ import annotations

import os


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allied.settings")
    import django

    django.setup()
    from django.core.management import call_command

    return call_command


def add_parser(subparsers) -> None:
    serve = subparsers.add_parser("serve", help="serve the site (ASGI)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)

    demo = subparsers.add_parser("demo", help="load the demo organisation (safe to run twice)")
    demo.add_argument("action", nargs="?", choices=["load", "totp"], default="load")
    demo.add_argument("email", nargs="?", help="with totp: whose current code to print")
    demo.set_defaults(func=_demo)

    admin = subparsers.add_parser("createadmin", help="create an organisation and its admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--organisation", required=True)
    admin.add_argument("--name", default="")
    admin.set_defaults(func=_createadmin)


def _serve(args) -> int:
    import uvicorn

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allied.settings")
    uvicorn.run(
        "allied.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        lifespan="off",
        # Live pages hold server-sent event streams open; do not wait on them at shutdown.
        timeout_graceful_shutdown=5,
    )
    return 0


def _demo(args) -> int:
    call_command = _django()
    if args.action == "totp":
        if not args.email:
            print("Give the email address: allied demo totp EMAIL")
            return 2
        return call_command("demo_totp", args.email) or 0
    call_command("demo")
    return 0


def _createadmin(args) -> int:
    call_command = _django()
    call_command("createadmin", email=args.email, organisation=args.organisation, name=args.name)
    return 0
