/**
 * Residence context domain (pure): the dossier decider and the dossier rules.
 * Public event types live in `@d06/contracts` (ResidenceEvent).
 */
export {
  type ApplicantSnapshot,
  type SubmitDossier,
  type DecideDossier,
  type DossierCommand,
  type DossierRecord,
  type NoDossier,
  type ReceivedDossier,
  type ApprovedDossier,
  type RejectedDossier,
  type DossierState,
  dossierDecider,
  decide as decideDossier,
  evolve as evolveDossier,
  initialState as initialDossierState,
} from './lib/dossier.decider';
export {
  TEMPORARY_TERM_MAX_YEARS,
  EXTENSION_WINDOW_DAYS,
  addDays,
  addYears,
  localDateOf,
  lateFrom,
  isLate,
  wardOfDossier,
  residenceEffectOf,
} from './lib/dossier.rules';
