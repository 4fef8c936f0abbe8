"""Sign in through the mobile API, as the app does, and print /api/v1/me.

Run it against `make run`'s server (DEBUG on, so the dev outbox exists):

    python3 scripts/mobile_demo.py
    python3 scripts/mobile_demo.py --base http://127.0.0.1:8000 \\
        --email owner@northwind.test --password demo-pass-2fa

When the account has two-step verification on, the script reads the emailed
code from the dev outbox (/dev/outbox/), the way a person would read their
mailbox, and finishes the second step with it. It signs the app out again
unless told to stay signed in. Only the standard library is needed.
"""

import argparse
import html
import json
import re
import sys
import time
import urllib.error
import urllib.request

DEFAULT_BASE = "http://127.0.0.1:8000"
# A demo account with two-step verification on, made by `make run`.
DEFAULT_EMAIL = "owner@northwind.test"
DEFAULT_PASSWORD = "demo-pass-2fa"
SIGN_IN_SUBJECT = "sign-in code"
_MESSAGE = re.compile(
    r'<article class="card">.*?<strong>(?P<subject>.*?)</strong>.*?'
    r'<span class="muted">To (?P<to>[^<]*?) · [^<]*</span>.*?'
    r'<pre class="mail">(?P<body>.*?)</pre>',
    re.S,
)


def call(base, method, path, body=None, token=None):
    """One API call; returns (status, parsed JSON or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else None


def outbox_codes(base, email):
    """Sign-in codes emailed to `email`, newest first, from the dev outbox."""
    with urllib.request.urlopen(base + "/dev/outbox/", timeout=10) as response:
        page = response.read().decode()
    codes = []
    for match in _MESSAGE.finditer(page):
        subject, to, body = (html.unescape(match[name]) for name in match.groupdict())
        found = re.search(r"\b(\d{6})\b", body)
        if email in to and SIGN_IN_SUBJECT in subject and found:
            codes.append(found.group(1))
    return codes


def wait_for_new_code(base, email, seen, *, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        codes = outbox_codes(base, email)
        if codes and len(codes) > seen:
            return codes[0]
        time.sleep(0.5)
    sys.exit("No new sign-in code arrived in the dev outbox. Is DEBUG on?")


def fail(step, status, answer):
    sys.exit(f"{step} failed ({status}): {json.dumps(answer)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=DEFAULT_BASE)
    parser.add_argument("--email", default=DEFAULT_EMAIL)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--device", default="mobile_demo.py")
    parser.add_argument("--stay-signed-in", action="store_true")
    args = parser.parse_args()
    base = args.base.rstrip("/")

    seen = len(outbox_codes(base, args.email))
    status, answer = call(
        base,
        "POST",
        "/api/v1/auth/login",
        {"email": args.email, "password": args.password, "device_name": args.device},
    )
    if status != 200:
        fail("Sign-in", status, answer)
    if answer.get("status") == "two_step_required":
        if not answer.get("code_sent", True):
            sys.exit(
                f"No code was sent: {answer.get('detail')} Try again in "
                f"{answer.get('retry_after')} seconds, or use a backup code."
            )
        print(f"Second step: a code went to {answer['email_hint']}.")
        code = wait_for_new_code(base, args.email, seen)
        print(f"Read code {code} from the dev outbox.")
        status, answer = call(
            base,
            "POST",
            "/api/v1/auth/verify",
            {"challenge": answer["challenge"], "code": code},
        )
        if status != 200:
            fail("Second step", status, answer)
    token = answer["token"]

    status, me = call(base, "GET", "/api/v1/me", token=token)
    if status != 200:
        fail("GET /api/v1/me", status, me)
    print(json.dumps(me, indent=2, ensure_ascii=False))

    if not args.stay_signed_in:
        status, _ = call(base, "POST", "/api/v1/auth/logout", token=token)
        print("Signed the app out again." if status == 204 else f"Logout: {status}")


if __name__ == "__main__":
    main()
