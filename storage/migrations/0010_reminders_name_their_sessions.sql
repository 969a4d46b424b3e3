-- Reminders now carry the sessions they speak of, at their times ("about" in the payload),
-- and their keys name each session at its planned start, so that the dispatcher can withdraw
-- one whose session moved, was cancelled, attended or excused. Pending reminders planned
-- before this carry neither: they are withdrawn here, and the planner (every five minutes,
-- over the next 48 hours) writes them again in the new form, once.
UPDATE outbox SET status = 'skipped', last_error = 'replanned with its sessions'
 WHERE status = 'pending'
   AND kind IN ('remind.offender.evening', 'remind.offender.before', 'remind.supervisor.day');
