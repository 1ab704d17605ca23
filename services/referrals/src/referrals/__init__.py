"""OCMS referrals: tasks, referrals, partner directory, reminders, client notifications."""
