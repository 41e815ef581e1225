// Register as a buyer or an organizer, then land signed in.
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { Field, FormError } from "../ui/Field";
import { register } from "./actions";

const FIELDS = ["email", "password", "display_name", "kind"];

export default function RegisterPage() {
  const [form, setForm] = useState({ email: "", password: "", display_name: "", kind: "customer" });
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next") ?? "/";
  const mutation = useMutation({
    mutationFn: () => register(form),
    onSuccess: () => navigate(next.startsWith("/") ? next : "/", { replace: true }),
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <section>
      <h1>Create an account</h1>
      <form className="form card" onSubmit={submit} noValidate>
        <FormError error={mutation.error} fields={FIELDS} />
        <Field label="Your name" name="display_name" error={mutation.error}>
          {(p) => <input {...p} autoComplete="name" value={form.display_name} onChange={set("display_name")} />}
        </Field>
        <Field label="E-mail" name="email" error={mutation.error}>
          {(p) => <input {...p} type="email" autoComplete="email" value={form.email} onChange={set("email")} />}
        </Field>
        <Field label="Password" name="password" error={mutation.error} hint="At least 10 characters.">
          {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set("password")} />}
        </Field>
        <Field label="I want to" name="kind" error={mutation.error}>
          {(p) => (
            <select {...p} value={form.kind} onChange={set("kind")}>
              <option value="customer">Buy tickets</option>
              <option value="organizer">Organise listings</option>
            </select>
          )}
        </Field>
        <div className="row">
          <button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? "Creating…" : "Create account"}
          </button>
          <span className="muted">
            Have one? <Link to="/login">Log in</Link>
          </span>
        </div>
      </form>
    </section>
  );
}
