// A labelled form field whose error (a problem's field error, or the form's own check)
// sits right under it and is tied to it for screen readers.
import { useId, type ReactNode } from "react";
import { ApiError, otherFieldErrors } from "../api/problem";
import { errorMessage } from "./states";

type Control = (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;

/** A label, a control, an optional hint and the error for `name`. */
export function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  /** The JSON path the API names this field by in `errors[].field`. */
  name: string;
  /** The failed submission, if any: its field error for `name` is shown here. */
  error?: unknown;
  hint?: string;
  children: Control;
}) {
  const id = useId();
  const message = error instanceof ApiError ? error.fieldError(name) : undefined;
  const described = [hint ? `${id}-hint` : "", message ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className={message ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": Boolean(message), "aria-describedby": described || undefined })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {message && (
        <p className="field-error" id={`${id}-error`} data-field={name}>
          {message}
        </p>
      )}
    </div>
  );
}

/** The failure of a form: its `detail`, plus field errors no field on the form shows. */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  const others = otherFieldErrors(error, fields);
  // When every named field shows its own message, the detail would only repeat them.
  const named = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  const summary =
    named.length > 0 && others.length === 0
      ? named.length === 1
        ? "Please correct the field marked below."
        : `Please correct the ${named.length} fields marked below.`
      : errorMessage(error);
  return (
    <div className="form-error" role="alert">
      <p>{summary}</p>
      {others.length > 0 && (
        <ul>
          {others.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
