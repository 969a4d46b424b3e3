import sys

# httpx, which python-telegram-bot imports (the bot itself talks over aiohttp, bot/http.py),
# loads its command-line client whenever click and rich are installed, as they are in a
# development venv (import-linter needs them): some 80 modules and 8 MB that every start of
# the bot would carry. A None entry in sys.modules makes that one import fail, and httpx
# then does without its CLI; nothing of the bot uses it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
