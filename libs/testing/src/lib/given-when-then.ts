/**
 * Given/when/then for deciders (DESIGN.md): given past events, when a command, then the new
 * events or an error. Works with any decider of the shape `{decide, evolve, initialState}`.
 */
export interface DeciderLike<C, E, S, R> {
  decide(command: C, state: S): R;
  evolve(state: S, event: E): S;
  initialState: S;
}

export function givenWhenThen<C, E, S, R>(decider: DeciderLike<C, E, S, R>) {
  return {
    given(...events: E[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState);
      return {
        state,
        when(command: C): R {
          return decider.decide(command, state);
        },
      };
    },
  };
}
