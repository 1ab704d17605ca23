"""Service forms: added (draft or completed), drafts changed and completed, completed
forms amended (every version kept), the tasks and referrals they ask for.

A form recorded by its own flow (a group attendee's form, the language-training forms:
`sessions.forms.owned`) is refused here, naming the endpoint that records it; one saved
here before that is read as it is, never changed or completed here.

Events: a draft added or changed publishes `sessions.service.drafted.v1` (so referrals
lists it on its author's My work and files accepts attachments on it); completing a
form publishes `sessions.service.recorded.v1` (for consumers: no longer a draft); an
amendment `sessions.service.amended.v1`; each task or referral asked for, once the form is
completed (or an amendment adds it), `sessions.follow_up.requested.v1` with the stored
request's id as `request_id`, so referrals creates it once.

One module a use case family: `drafts` (added, changed, completed), `amendments`,
`reading` (a form, a session's forms) and `versions` (kept, and read back);
`follow_ups` (the tasks and referrals a form asks for), `validation` (the form's and the
agency's answers checked together), `access` (which forms the actor may read or
change), `outputs` and `events` (a form as the API and the events show it).
"""
