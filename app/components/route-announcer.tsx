import { useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/**
 * After an in-app navigation, announces the new page's title and puts focus
 * back at the top of the page, as a full page load would: the next Tab
 * reaches the skip link again instead of wherever the old page left it.
 */
export function RouteAnnouncer() {
  const location = useLocation();
  const [title, setTitle] = useState("");
  const target = useRef<HTMLDivElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (location.hash) return;
    // Wait a frame: the new route's <title> is set after render.
    const frame = requestAnimationFrame(() => {
      setTitle(document.title);
      target.current?.focus({ preventScroll: false });
    });
    return () => cancelAnimationFrame(frame);
  }, [location.pathname]);
  return (
    <div ref={target} tabIndex={-1} className="visually-hidden" aria-live="polite" aria-atomic="true">
      {title}
    </div>
  );
}
