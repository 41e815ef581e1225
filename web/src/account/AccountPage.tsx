// The account: who is signed in, change password, log out.
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { Field, FormError } from "../ui/Field";
import { QueryView } from "../ui/states";
import { changePassword, logOut } from "./actions";
import { RequireSession } from "./RequireSession";
import { useMe } from "./useSession";

function ChangePassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const mutation = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => {
      setCurrent("");
      setNext("");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      {mutation.isSuccess && (
        <p className="notice" role="status">
          Password changed.
        </p>
      )}
      <FormError error={mutation.error} fields={["current_password", "new_password"]} />
      <Field label="Current password" name="current_password" error={mutation.error}>
        {(p) => <input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
      </Field>
      <Field label="New password" name="new_password" error={mutation.error} hint="At least 10 characters.">
        {(p) => <input {...p} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />}
      </Field>
      <div>
        <button type="submit" disabled={mutation.isPending}>
          Change password
        </button>
      </div>
    </form>
  );
}

function Account() {
  const me = useMe();
  const navigate = useNavigate();
  return (
    <section className="stack">
      <h1>Your account</h1>
      <QueryView query={me} what="Loading your account">
        {(account) => (
          <div className="card row spread">
            <div>
              <p className="state-title" data-testid="me-name">
                {account.display_name}
              </p>
              <p className="muted small">
                {account.email} · <span className="badge">{account.role}</span>
              </p>
            </div>
            <button
              type="button"
              className="secondary"
              onClick={() => void logOut().then(() => navigate("/", { replace: true }))}
            >
              Log out
            </button>
          </div>
        )}
      </QueryView>
      <ChangePassword />
    </section>
  );
}

export default function AccountPage() {
  return (
    <RequireSession>
      <Account />
    </RequireSession>
  );
}
