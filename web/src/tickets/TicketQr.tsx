// A ticket as a QR code (drawn here, offline) with its code as text beneath.
import { useEffect, useState } from "react";
import QRCode from "qrcode";

export function TicketQr({ code, admitted }: { code: string; admitted?: boolean }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toString(code, { type: "svg", errorCorrectionLevel: "M", margin: 1 }).then((text) => live && setSvg(text));
    return () => {
      live = false;
    };
  }, [code]);
  return (
    <figure className="ticket" data-testid="ticket">
      {svg ? (
        <img src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`} alt={`QR code of ticket ${code}`} width={160} height={160} />
      ) : (
        <div className="qr-placeholder" aria-hidden="true" />
      )}
      <figcaption>
        <code data-testid="ticket-code">{code}</code>
        {admitted && <span className="badge ok">Admitted</span>}
      </figcaption>
    </figure>
  );
}
