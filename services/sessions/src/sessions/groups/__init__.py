"""Group activities: named attendees with their own forms, and anonymous attendees."""
