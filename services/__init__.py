"""Use cases: every change of state, each one function running one transaction.

A use case takes plain arguments and an :class:`services.origin.Origin` (the actor, "now",
and the Telegram update that carried the request, if any), asks ``domain.authority`` whether
the actor may touch the record, writes the change, its audit row and the outbox rows for
anyone who must hear of it in one :meth:`Origin.transaction`, and returns a result for the
caller to render. Handlers (a conversation, a button, an uploaded spreadsheet), the CLI and
the tests call the same functions, so a case created by chat and one imported from Excel
are planned alike, and a rule tested here holds in the chat too.
"""
