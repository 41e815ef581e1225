// A listing's status in words, with the badge colour it shows in.

/** `draft` as "Draft", with its badge class. */
export function statusLabel(status: string): { text: string; tone: "" | "ok" | "warn" | "bad" } {
  switch (status) {
    case "draft":
      return { text: "Draft", tone: "" };
    case "published":
      return { text: "On sale", tone: "ok" };
    case "sales_closed":
      return { text: "Sales closed", tone: "warn" };
    case "cancelled":
      return { text: "Cancelled", tone: "bad" };
    default:
      return { text: status, tone: "" };
  }
}
