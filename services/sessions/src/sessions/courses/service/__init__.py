"""Language courses: set up with the Course Open form, clients enrolled with the
Enrolment form (never over the course's spots, never twice), attendance taken for a
whole class at once per class date, exit per client with the Exit form, and the
course's roster and attendance rate.

A course belongs to a program: it is seen and changed by the program's members (and
whoever set it up); anyone else is told it does not exist. Every change publishes the
whole record (`sessions.course.opened.v1` / `.updated.v1`,
`sessions.course_enrolment.recorded.v1` / `.exited.v1`,
`sessions.course_attendance.recorded.v1`).

One module a use case family: `setup` (the course), `enrolments`, `exits`,
`attendance`, `roster`; `access` finds the course the actor may see and audits it,
`dates` reads and bounds the forms' dates.
"""
