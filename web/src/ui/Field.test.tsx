// problem+json field errors appear beside the field they name; the rest at the top.
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError, toProblem } from "../api/problem";
import { Field, FormError } from "./Field";

const problem = new ApiError(
  toProblem(422, {
    type: "about:blank",
    title: "Unprocessable Content",
    status: 422,
    detail: "2 fields are invalid",
    errors: [
      { field: "password", message: "use at least 10 characters" },
      { field: "ticket_types[0].price.amount", message: "must not be negative" },
    ],
  }),
);

function Form({ error }: { error: unknown }) {
  return (
    <form>
      <FormError error={error} fields={["email", "password"]} />
      <Field label="E-mail" name="email" error={error}>
        {(p) => <input {...p} />}
      </Field>
      <Field label="Password" name="password" error={error}>
        {(p) => <input {...p} type="password" />}
      </Field>
    </form>
  );
}

describe("field errors", () => {
  it("says which fields to fix instead of repeating their messages when all are on the form", () => {
    const onlyPassword = new ApiError(
      toProblem(422, { status: 422, detail: "password: use at least 10 characters", errors: [{ field: "password", message: "use at least 10 characters" }] }),
    );
    render(<Form error={onlyPassword} />);
    expect(screen.getByRole("alert").textContent).toBe("Please correct the field marked below.");
  });

  it("shows a field's message under it, tied to the input for screen readers", () => {
    render(<Form error={problem} />);
    const password = screen.getByLabelText("Password");
    expect(password.getAttribute("aria-invalid")).toBe("true");
    const message = document.getElementById(password.getAttribute("aria-describedby")!);
    expect(message?.textContent).toBe("use at least 10 characters");
    expect(screen.getByLabelText("E-mail").getAttribute("aria-invalid")).toBe("false");
  });

  it("puts the detail and the errors of fields not on the form at the top", () => {
    render(<Form error={problem} />);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("2 fields are invalid");
    expect(alert.textContent).toContain("ticket_types[0].price.amount: must not be negative");
    expect(alert.textContent).not.toContain("at least 10");
  });

  it("reads a body that is not a problem as a plain message with its status", () => {
    expect(toProblem(502, "<html>bad gateway</html>")).toEqual({ status: 502, detail: "The server answered 502." });
    expect(toProblem(0, null).detail).toBe("The server could not be reached.");
  });
});
