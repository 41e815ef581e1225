// The camera, where the browser can read QR codes itself (BarcodeDetector): it hands
// each code it sees once to `onCode`. Typed entry stays available beside it.
import { useEffect, useRef, useState } from "react";

interface Detected {
  rawValue: string;
}
interface Detector {
  detect(source: HTMLVideoElement): Promise<Detected[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

/** The browser's BarcodeDetector, when it has one. */
function detectorClass(): DetectorClass | undefined {
  return (globalThis as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
}

/** Whether this browser can scan with the camera. */
export function canScan(): boolean {
  return Boolean(detectorClass() && navigator.mediaDevices?.getUserMedia);
}

export function Scanner({ onCode, onStop }: { onCode: (code: string) => void; onStop: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const handler = useRef(onCode);
  useEffect(() => {
    handler.current = onCode;
  }, [onCode]);

  useEffect(() => {
    const Detector = detectorClass();
    if (!Detector) return;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let last = "";
    let lastAt = 0;
    let live = true;
    const detector = new Detector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(async (s) => {
        if (!live) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        if (!video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        timer = setInterval(async () => {
          if (!video.current || video.current.readyState < 2) return;
          const found = await detector.detect(video.current).catch(() => []);
          const code = found[0]?.rawValue;
          // The same code in front of the camera for a while is one scan, not many.
          if (code && (code !== last || Date.now() - lastAt > 4_000)) {
            last = code;
            lastAt = Date.now();
            handler.current(code);
          }
        }, 300);
      })
      .catch(() => setProblem("The camera is not available: type the code instead."));
    return () => {
      live = false;
      clearInterval(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  return (
    <div className="scanner stack">
      {problem ? <p className="form-error">{problem}</p> : <video ref={video} muted playsInline aria-label="Camera view for scanning" />}
      <button type="button" className="secondary" onClick={onStop}>
        Stop the camera
      </button>
    </div>
  );
}
