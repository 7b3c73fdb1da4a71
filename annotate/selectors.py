"""Reads with their query shape fixed (select_related / Prefetch). CONTRACT (data-layer helper).

- attributions_for_assignment(assignment_id) -> QuerySet[Attribution] with spans, stances__target_actor,
  speaker, created_by, updated_by prefetched (constant number of queries, whatever the count).
- assignment_detail(assignment_id) -> Assignment with project, article, annotator.
- assignments_for_user(user, *, project_id=None) -> QuerySet[Assignment] the user may see, annotated with
  `attribution_count`.
- history_for_attribution(attribution_id), history_for_assignment(assignment_id),
  history_for_article(project_id, article_id), history_for_annotator(project_id, user_id) -> QuerySet[HistoryEntry].
"""
