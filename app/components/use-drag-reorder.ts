import { useState, type DragEvent } from "react";

/**
 * Native HTML drag and drop over a list (no library: the meeting page must stay light). Dropping an
 * item on another puts it at that item's rank; the keyboard keeps its own path (Monter / Descendre).
 */
export function useDragReorder(ids: readonly string[], onMove: (id: string, toIndex: number) => void) {
  const [dragged, setDragged] = useState<string | null>(null);
  const [target, setTarget] = useState<number | null>(null);
  const reset = () => {
    setDragged(null);
    setTarget(null);
  };
  return {
    dragged,
    itemProps(id: string, index: number) {
      return {
        draggable: true,
        onDragStart(event: DragEvent) {
          event.dataTransfer.effectAllowed = "move";
          event.dataTransfer.setData("text/plain", id);
          setDragged(id);
        },
        onDragOver(event: DragEvent) {
          if (!dragged) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = "move";
          if (target !== index) setTarget(index);
        },
        onDrop(event: DragEvent) {
          event.preventDefault();
          if (dragged && ids.indexOf(dragged) !== index) onMove(dragged, index);
          reset();
        },
        onDragEnd: reset,
        "data-drop-target": target === index && dragged !== id ? "true" : undefined,
        "data-dragging": dragged === id ? "true" : undefined,
      };
    },
  };
}
