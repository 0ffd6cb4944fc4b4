"""Care tools: compare, monitoring schedules, decision aid, relapse check, appointment prep."""
