// Reviewers regroup pages: split, merge, confirm (regroup.ts), and the boundary tasks the review page shows (boundaries.ts).
export { Regrouper, type RegroupDeps, type RegroupOutcome, type RegroupRequest } from './regroup.ts';
export { boundaryTask, decisionsByPage, doubtfulBoundaries, recordBoundaries, type BoundaryTask, type TaskRecord } from './boundaries.ts';
