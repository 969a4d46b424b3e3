"""Use cases that combine the domain's rules with storage, each inside one transaction.

Handlers (a conversation, a button, an uploaded spreadsheet) and the CLI call the same
functions here, so a case created by chat and one imported from Excel are planned alike.
"""
