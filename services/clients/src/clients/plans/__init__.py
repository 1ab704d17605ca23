"""Settlement plans: goals with steps, follow-up dates, status, reviews, follow-ups."""
