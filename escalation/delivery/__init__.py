"""Review and delivery of drafts: the state machine, the send (exactly once), the rate limit, SES events."""
