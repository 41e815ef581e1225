// Changing a listing's details: the same inputs as creating it, filled in.
import { useState, type FormEvent } from "react";
import { FormError } from "../ui/Field";
import { DetailsFields, detailFields } from "./DetailsFields";
import { detailsOf, toDetails, type DetailsDraft } from "./form";
import { useUpdateDetails, type ListingDetail } from "./queries";

export function EditDetails({ listing, done }: { listing: ListingDetail; done: () => void }) {
  const update = useUpdateDetails(listing.id);
  const [draft, setDraft] = useState<DetailsDraft>(() => detailsOf(listing));
  const [localError, setLocalError] = useState<unknown>(null);
  const error = localError ?? update.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = toDetails(draft);
    if ("error" in result) {
      setLocalError(result.error);
      return;
    }
    setLocalError(null);
    update.mutate(result.body, { onSuccess: done });
  };
  return (
    <form className="form wide card" onSubmit={submit} noValidate aria-labelledby="edit-h">
      <h2 id="edit-h" className="flush">
        Edit details
      </h2>
      <FormError error={error} fields={detailFields} />
      <DetailsFields draft={draft} set={(c) => setDraft((d) => ({ ...d, ...c }))} error={error} />
      {Boolean(error) && <p className="save-note">Not saved: see the message at the top of the form.</p>}
      <div className="row">
        <button type="submit" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save details"}
        </button>
        <button type="button" className="secondary" onClick={done}>
          Discard changes
        </button>
      </div>
    </form>
  );
}
