"""Staff users: roles, program membership, who reports to whom, (de)activation."""
