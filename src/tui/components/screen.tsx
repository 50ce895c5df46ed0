import { Box } from 'ink';
import type { LogEvent } from '../events.js';
import type { GroupsFeed } from '../hooks/use-groups.js';
import type { ProduceResult } from '../hooks/use-producer.js';
import { computeLayout } from '../layout.js';
import type { ClusterView } from '../model.js';
import type { TailLine } from '../tail.js';
import type { UiState } from '../ui-state.js';
import { BrokersPane } from './brokers-pane.js';
import { ConsumePane } from './consume-pane.js';
import { CreateTopicDialog } from './create-topic-dialog.js';
import { EventLog } from './event-log.js';
import { Footer, type FooterProps } from './footer.js';
import { GroupsPane, groupRowCount } from './groups-pane.js';
import { Header } from './header.js';
import { Help } from './help.js';
import { ProducePane } from './produce-pane.js';
import { TopicsPane, topicRowCount } from './topics-pane.js';

export interface ScreenProps {
  view: ClusterView;
  ui: UiState;
  events: LogEvent[];
  groups: GroupsFeed;
  tail: { lines: TailLine[]; status: string | null };
  produceResults: ProduceResult[];
  footer: Omit<FooterProps, 'width'>;
  nowMs: number;
  columns: number;
  rows: number;
}

/** The whole screen from plain data: every pane sized by `computeLayout`. */
export function Screen({ view, ui, events, groups, tail, produceResults, footer, nowMs, columns, rows }: ScreenProps) {
  const showGroups = ui.focus === 'groups';
  const all = showGroups ? groupRowCount(groups.groups, ui.selectedGroup) : topicRowCount(view.topics, ui.selectedTopic, true);
  let layout = computeLayout(columns, rows, view.processes.length, all);
  const expandAll = layout.topics - 1 >= all;
  if (!expandAll && !showGroups) layout = computeLayout(columns, rows, view.processes.length, topicRowCount(view.topics, ui.selectedTopic, false));
  const { width } = layout;
  const bottomPanes = ui.create ? (
    <CreateTopicDialog dialog={ui.create} width={width} height={layout.bottom} />
  ) : (
    <Box flexDirection="row" height={layout.bottom} overflowY="hidden">
      <ProducePane
        values={ui.produce}
        field={ui.produce.field}
        defaultTopic={ui.selectedTopic}
        results={produceResults}
        focused={ui.focus === 'produce'}
        width={layout.produceWidth}
        height={layout.bottom}
      />
      <ConsumePane
        topic={ui.selectedTopic}
        start={ui.tailStart}
        lines={tail.lines}
        status={tail.status}
        scroll={ui.consumeScroll}
        focused={ui.focus === 'consume'}
        width={layout.consumeWidth}
        height={layout.bottom}
      />
      {layout.wide ? <EventLog events={events} scroll={ui.eventsScroll} focused={ui.focus === 'events'} width={layout.eventsWidth} height={layout.bottom} beside /> : null}
    </Box>
  );
  return (
    <Box flexDirection="column" width={width} height={rows - 1} overflowY="hidden">
      <Header view={view} nowMs={nowMs} width={width} stopping={ui.stopping} />
      {ui.help ? (
        <Help width={width} height={rows - 3} />
      ) : (
        <>
          <Box height={layout.brokers} overflowY="hidden">
            <BrokersPane processes={view.processes} selected={ui.selectedProcess} focused={ui.focus === 'brokers'} width={width} height={layout.brokers} />
          </Box>
          <Box height={layout.topics} overflowY="hidden">
            {showGroups ? (
              <GroupsPane groups={groups.groups} status={groups.status} selected={ui.selectedGroup} focused width={width} height={layout.topics} />
            ) : (
              <TopicsPane topics={view.topics} selected={ui.selectedTopic} focused={ui.focus === 'topics'} expandAll={expandAll} width={width} height={layout.topics} />
            )}
          </Box>
          {bottomPanes}
          {layout.events > 0 ? (
            <Box height={layout.events} overflowY="hidden">
              <EventLog events={events} scroll={ui.eventsScroll} focused={ui.focus === 'events'} width={width} height={layout.events} beside={false} />
            </Box>
          ) : null}
        </>
      )}
      <Footer {...footer} width={width} />
    </Box>
  );
}
