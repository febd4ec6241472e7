-- A background response's runner (the gateway answering it) writes the time (epoch ms) here every few seconds while it
-- runs; NULL once the response has ended, and for every response that never ran in the background. So a response
-- whose runner has been silent for the lease (a gateway that crashed, or lost the database) is ended as failed by the
-- gateway that reads it, and a runner whose response was ended elsewhere (cancelled through another gateway on the
-- same database) stops its call. A response's end is written only while the column is set: the first end wins.
ALTER TABLE responses ADD COLUMN runner_beat BIGINT;
-- background responses left running by an earlier version, which did not beat: their runner counts from creation
UPDATE responses SET runner_beat = created_at
    WHERE body LIKE '%"background":true%' AND (body LIKE '%"status":"in_progress"%' OR body LIKE '%"status":"queued"%');
