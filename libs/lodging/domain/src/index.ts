/**
 * Lodging context domain (pure): the establishment and notice deciders, the deadline and
 * guest-verification rules. Public event types live in `@d06/contracts` (LodgingEvent).
 */
export {
  type RegisterEstablishment,
  type ChangeEstablishmentDetails,
  type EstablishmentCommand,
  type NoEstablishment,
  type RegisteredEstablishment,
  type EstablishmentState,
  establishmentDecider,
  decide as decideEstablishment,
  evolve as evolveEstablishment,
  initialState as initialEstablishmentState,
} from './lib/establishment.decider';
export {
  type VietnameseGuestInput,
  type ForeignGuestInput,
  type NoticeGuestInput,
  type SubmitNotice,
  type RecordDeparture,
  type NoticeCommand,
  type NoticeRecord,
  type NoNotice,
  type StayingNotice,
  type DepartedNotice,
  type NoticeState,
  MAX_GUESTS_PER_NOTICE,
  ARRIVAL_LEAD_MS,
  noticeDecider,
  decide as decideNotice,
  evolve as evolveNotice,
  initialState as initialNoticeState,
} from './lib/notice.decider';
export {
  LATE_ARRIVAL_HOUR,
  NEXT_MORNING_HOUR,
  FOREIGN_GUEST_HOURS,
  formatLocalInstant,
  vietnameseGuestDueBy,
  foreignGuestDueBy,
  guestDueBy,
  noticeDueBy,
  isNoticeLate,
} from './lib/lodging-deadline.rules';
export { type KnownCitizen, isVietnameseGuestVerified } from './lib/guest-verification.rules';
