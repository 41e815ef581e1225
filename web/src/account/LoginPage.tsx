// Log in: e-mail and password; back to where the user came from.
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { Field, FormError } from "../ui/Field";
import { logIn } from "./actions";

export default function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next") ?? "/";
  const mutation = useMutation({
    mutationFn: () => logIn(email, password),
    onSuccess: () => navigate(next.startsWith("/") ? next : "/", { replace: true }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <section>
      <h1>Log in</h1>
      <form className="form card" onSubmit={submit} noValidate>
        <FormError error={mutation.error} fields={["email", "password"]} />
        <Field label="E-mail" name="email" error={mutation.error}>
          {(p) => <input {...p} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label="Password" name="password" error={mutation.error}>
          {(p) => (
            <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          )}
        </Field>
        <div className="row">
          <button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? "Logging in…" : "Log in"}
          </button>
          <span className="muted">
            New here? <Link to={`/register${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>Register</Link>
          </span>
        </div>
      </form>
    </section>
  );
}
