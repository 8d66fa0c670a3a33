"""The manager's workspace: promises, calls, ACT quality and reviews."""
