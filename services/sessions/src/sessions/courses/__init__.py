"""Language courses: setup (Course Open form), enrolment, attendance per class, exit."""
