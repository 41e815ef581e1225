// An admin's actions on one account, found by its id: change its role (staff work for an
// organizer), suspend it with a reason, or reinstate it.
import { useState, type FormEvent } from "react";
import { Field, FormError } from "../ui/Field";
import { useAccountAction, type AccountAction } from "./queries";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const roles = ["customer", "organizer", "staff", "admin"];

export function AccountActions() {
  const act = useAccountAction();
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState("organizer");
  const [organizerId, setOrganizerId] = useState("");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [last, setLast] = useState<AccountAction["action"] | null>(null);
  const id = userId.trim();
  const valid = uuid.test(id);

  const run = (step: AccountAction, message: string) => {
    setDone(null);
    setLast(step.action);
    act.mutate({ userId: id, step }, { onSuccess: () => setDone(message) });
  };
  const changeRole = (e: FormEvent) => {
    e.preventDefault();
    const body = role === "staff" ? { kind: role, organizer_id: organizerId.trim() } : { kind: role };
    run({ action: "role", role: body }, `The account is now ${role}; it applies from the user's next token refresh.`);
  };
  const suspend = (e: FormEvent) => {
    e.preventDefault();
    run({ action: "suspend", reason: reason.trim() }, "The account is suspended: its next request is refused, on every server.");
  };
  const errorOf = (action: AccountAction["action"]) => (last === action ? act.error : null);

  return (
    <section className="stack" aria-labelledby="accounts-h">
      <h2 id="accounts-h">An account</h2>
      <div className="card stack">
        <Field label="Account id" name="user_id" hint="The account's user_id (the API has no search by e-mail yet).">
          {(p) => <input {...p} value={userId} onChange={(e) => setUserId(e.target.value)} autoComplete="off" spellCheck={false} />}
        </Field>
        {done && (
          <p className="notice" role="status" data-testid="admin-done">
            {done}
          </p>
        )}
        <div className="admin-actions">
          <form className="stack" onSubmit={changeRole} aria-labelledby="role-h">
            <h3 id="role-h">Role</h3>
            <Field label="New role" name="role.kind" error={errorOf("role")}>
              {(p) => (
                <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
                  {roles.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              )}
            </Field>
            {role === "staff" && (
              <Field label="Organizer id they work for" name="role.organizer_id" error={errorOf("role")}>
                {(p) => <input {...p} value={organizerId} onChange={(e) => setOrganizerId(e.target.value)} spellCheck={false} />}
              </Field>
            )}
            <FormError error={errorOf("role")} fields={["role.kind", "role.organizer_id"]} />
            <div>
              <button type="submit" disabled={!valid || act.isPending}>
                Change role
              </button>
            </div>
          </form>
          <form className="stack" onSubmit={suspend} aria-labelledby="suspend-h">
            <h3 id="suspend-h">Suspension</h3>
            <Field label="Reason (for other admins)" name="reason" error={errorOf("suspend")}>
              {(p) => <input {...p} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <FormError error={errorOf("suspend") ?? errorOf("reinstate")} fields={["reason"]} />
            <div className="row">
              <button type="submit" className="danger" disabled={!valid || act.isPending}>
                Suspend
              </button>
              <button type="button" className="secondary" disabled={!valid || act.isPending} onClick={() => run({ action: "reinstate" }, "The account is reinstated: the user can log in again.")}>
                Reinstate
              </button>
            </div>
          </form>
        </div>
      </div>
    </section>
  );
}
