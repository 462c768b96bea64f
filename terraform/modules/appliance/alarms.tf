# Alarms on the calls that could take the sealing keys away or open them up: PutKeyPolicy (a new
# policy can drop the attestation conditions), ScheduleKeyDeletion (after the waiting period every
# sealed share is lost) and DisableKey (an outage now). An EventBridge rule on the CloudTrail
# management events of KMS in this region sends each such call on either key, successful or
# refused, to an SNS topic. Terraform's own PutKeyPolicy (e.g. a PCR0 change) alarms too: every
# policy change should be noticed and matched to a planned change.
#
# EventBridge gets "AWS API Call via CloudTrail" events only while a CloudTrail trail logs
# management (write) events in this region (docs/operations.md, "Key alarms").

locals {
  alarmed_key_events = ["PutKeyPolicy", "ScheduleKeyDeletion", "DisableKey"]
  # The request names the key by id or ARN (these three calls take no alias).
  sealing_key_references = [
    aws_kms_key.auth_shares.key_id, aws_kms_key.auth_shares.arn,
    aws_kms_key.exec_shares.key_id, aws_kms_key.exec_shares.arn,
  ]
  key_alarm_topic_arn = var.key_alarm_sns_topic_arn != null ? var.key_alarm_sns_topic_arn : aws_sns_topic.key_alarms[0].arn
}

resource "aws_cloudwatch_event_rule" "sealing_key_changes" {
  name        = "${var.name}-sealing-key-changes"
  description = "nitrosign: PutKeyPolicy, ScheduleKeyDeletion or DisableKey on a sealing key"
  event_pattern = jsonencode({
    source        = ["aws.kms"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = {
      eventSource       = ["kms.amazonaws.com"]
      eventName         = local.alarmed_key_events
      requestParameters = { keyId = local.sealing_key_references }
    }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "sealing_key_changes" {
  rule      = aws_cloudwatch_event_rule.sealing_key_changes.name
  target_id = "sns"
  arn       = local.key_alarm_topic_arn
}

# Created when no topic is given. Not encrypted with the AWS-managed SNS key, which EventBridge
# cannot use; the events hold key ids and caller identities, no secrets.
resource "aws_sns_topic" "key_alarms" {
  count = var.key_alarm_sns_topic_arn == null ? 1 : 0

  name = "${var.name}-key-alarms"
  tags = local.tags
}

data "aws_iam_policy_document" "key_alarms_topic" {
  count = var.key_alarm_sns_topic_arn == null ? 1 : 0

  statement {
    sid       = "EventBridgePublishesKeyAlarms"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.key_alarms[0].arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.sealing_key_changes.arn]
    }
  }
}

resource "aws_sns_topic_policy" "key_alarms" {
  count = var.key_alarm_sns_topic_arn == null ? 1 : 0

  arn    = aws_sns_topic.key_alarms[0].arn
  policy = data.aws_iam_policy_document.key_alarms_topic[0].json
}
